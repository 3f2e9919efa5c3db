"""The staff console: a small server-rendered web application over the API's services."""
