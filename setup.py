"""Package list only; everything else is in pyproject.toml.

``resources/`` (top level, as the design card lays out the repository) is installed as
the package ``sitrep.resources``; automatic discovery in pyproject.toml cannot map one
package to another folder while finding the rest.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["sitrep", "sitrep.*"]), "sitrep.resources"],
    package_dir={"sitrep.resources": "resources"},
)
