"""Billing: the only code that changes quota, used_quota and request_count."""
