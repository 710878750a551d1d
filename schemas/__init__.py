"""Package data: the JSON Schemas of the records, installed as ``jiangpu_schemas`` (see generator/resources.py)."""
