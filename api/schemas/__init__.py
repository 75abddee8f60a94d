"""Request and response bodies (pydantic): the learner side and the educator side of the API.

Never holds a field that could carry a learner's free text into the database.
"""
