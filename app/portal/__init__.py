"""The provider portal at `/portal`: server-rendered pages for the people of training providers."""
