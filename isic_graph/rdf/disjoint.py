"""Disjoint sets (union-find): the groups that links between items make."""

from __future__ import annotations

from typing import Generic, Hashable, TypeVar

T = TypeVar("T", bound=Hashable)


class DisjointSets(Generic[T]):
    """Items joined into groups; an item seen alone is a group of its own."""

    def __init__(self) -> None:
        self._parent: dict[T, T] = {}

    def find(self, item: T) -> T:
        """The item standing for the group of this one."""
        parent = self._parent
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: T, b: T) -> None:
        first, second = self.find(a), self.find(b)
        if first != second:
            self._parent[first] = second

    def groups(self) -> list[list[T]]:
        """Every group of the items seen, each in the order its items were first seen."""
        found: dict[T, list[T]] = {}
        for item in list(self._parent):
            found.setdefault(self.find(item), []).append(item)
        return list(found.values())
