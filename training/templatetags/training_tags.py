from django import template

register = template.Library()


@register.filter
def lookup(mapping, key):
    """mapping[key], or None: for dicts of per-row data built by the views."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
