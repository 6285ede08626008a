"""A small fake DNS service, packaged as a third party would package one for pytest-mimic.

Nothing in pytest-mimic names it: it joins a cloud through the ``pytest_mimic.services``
entry point of ``mimic_dns-0.1.dist-info`` next to this folder.
"""
