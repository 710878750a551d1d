"""Package data: page, form and record templates, installed as ``jiangpu_templates`` (see generator/resources.py)."""
