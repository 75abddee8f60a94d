"""What may be published about a class: summary, quiz gain, CSV, k-anonymity, educator labels.

Pure functions of event rows; never runs a query or renders a page.
"""
