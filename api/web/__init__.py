"""What the routes share: FastAPI dependencies, page rendering, headers, sessions and logins,
join links, share kit and the class views.

Never registers a route (api/routes/ does).
"""
