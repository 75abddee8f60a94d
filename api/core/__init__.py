"""The API's lowest layer: typed settings, the database engine and sessions, security helpers.

Never imports another layer of the API (web, reports, data, schemas, routes).
"""
