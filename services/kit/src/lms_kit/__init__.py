"""lms_kit: the shared runtime every LMS service stands on.

A service is wired as: settings -> adapters -> handlers -> `lms_kit.server.serve`.
"""
