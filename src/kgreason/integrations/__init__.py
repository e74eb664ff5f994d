"""Adapters that expose kgreason to other ecosystems (``kgreason.integrations.langchain``).

Each adapter lives in its own module and imports its framework only when that module is imported, so
``import kgreason`` never pulls in LangChain.
"""
