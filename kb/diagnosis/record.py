"""Record: what @dataclass gave the engine's classes, without importing dataclasses.

`manage.py diagnose` is one process per call. Importing dataclasses (which imports
inspect) and generating the methods of a dozen classes with exec() cost about 13 ms
of its start-up, a fifth of it. So each class writes its own __init__ (same
parameters, order and defaults as the dataclass had) and names its fields in
_fields; this base class adds repr, == (field by field, same class only), the
frozen classes' hash and read-only attributes, and replace().
"""

from __future__ import annotations

from operator import attrgetter


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record (like dataclasses.FrozenInstanceError)."""


class Record:
    _fields: tuple[str, ...] = ()
    _values = staticmethod(lambda obj: ())  # _values(obj): its field values in order, a tuple (set per class)
    __hash__ = None  # mutable records compare by value, so they are not hashable

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls._fields:
            return  # a base class such as FrozenRecord
        # one C call per comparison (parse.py tests "segment not in list", comparing many)
        getter = attrgetter(*cls._fields)
        cls._values = staticmethod(getter if len(cls._fields) > 1 else (lambda obj, _get=getter: (_get(obj),)))

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({inner})"

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return self._values(self) == other._values(other)
        return NotImplemented


class FrozenRecord(Record):
    """A record whose fields cannot be assigned after __init__ (which fills __dict__)."""

    def __hash__(self) -> int:
        return hash(self._values(self))

    def __setattr__(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise FrozenInstanceError(f"cannot delete field {name!r}")


def replace(obj: Record, **changes) -> Record:
    """A copy of the record with some fields changed (like dataclasses.replace)."""
    unknown = set(changes) - set(obj._fields)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field(s) {', '.join(sorted(unknown))}")
    values = {name: getattr(obj, name) for name in obj._fields}
    values.update(changes)
    return type(obj)(**values)
