"""Storage: project files and databases, migrations, the query layer, backups."""

from sitrep.store.project import Project, create_project, open_project

__all__ = ["Project", "create_project", "open_project"]
