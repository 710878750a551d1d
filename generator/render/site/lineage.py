"""The lineage as a picture: who taught a master, and whom the master and their apprentices taught.

Laid out here (positions only), drawn by the template (``_macros.j2``'s ``lineage_svg``) as SVG
at build time, beside the same content as a list for screen readers and search. Left to right:
the master's teachers, the master, each apprentice, the apprentices of those who became masters;
each generation a column, each leaf a row. Apprentices appear as the site shows them (masked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

COLUMN = 180  # px between generations
ROW = 44  # px between rows
BOX_W, BOX_H = 150, 32


@dataclass(slots=True)
class Node:
    label: str
    years: str
    x: int = 0
    y: int = 0
    status: str = ""
    children: list[Node] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Picture:
    width: int
    height: int
    nodes: list[Node]
    edges: list[tuple[int, int, int, int]]  # (x1, y1, x2, y2): from a box's right edge to the next one's left
    box_width: int = BOX_W  # what the template draws each box as
    box_height: int = BOX_H


class Names(Protocol):
    def get(self, master_id: str, default: str = "", /) -> str: ...


def _node(item: dict[str, Any], names: Names) -> Node:
    pair = item["pair"]
    later = item.get("later_master")
    label = names.get(later, "") if later else ""
    return Node(label or str(pair["apprentice"]), f"{pair['start'][:4]}–{pair['end'][:4]}", status=str(pair["status"]),
                children=[_node(child, names) for child in item.get("children", [])])


def _place(node: Node, column: int, next_row: list[int]) -> None:
    node.x = column * COLUMN
    for child in node.children:
        _place(child, column + 1, next_row)
    if node.children:
        node.y = (node.children[0].y + node.children[-1].y) // 2
    else:
        node.y = next_row[0] * ROW
        next_row[0] += 1


def picture(master: str, teachers: list[tuple[str, str]], tree: list[dict[str, Any]], names: Names) -> Picture | None:
    """The picture of one master's lineage (``teachers``: (name, years); ``tree``: the site's lineage
    nodes), or None when there is no one on either side."""
    if not teachers and not tree:
        return None
    offset = 1 if teachers else 0
    root = Node(master, "", children=[_node(item, names) for item in tree])
    _place(root, offset, [0])
    mine = [Node(name, years, x=0, y=root.y) for name, years in teachers]
    for i, teacher in enumerate(mine):  # the teachers stacked around the master's row
        teacher.y = root.y + (i - (len(mine) - 1) // 2) * ROW
    nodes, edges = [*mine, *_walk(root)], [(t.x + BOX_W, t.y + BOX_H // 2, root.x, root.y + BOX_H // 2) for t in mine]
    edges += [(n.x + BOX_W, n.y + BOX_H // 2, c.x, c.y + BOX_H // 2) for n in _walk(root) for c in n.children]
    top = min(n.y for n in nodes)
    for n in nodes:
        n.y -= top
    edges = [(a, b - top, c, d - top) for a, b, c, d in edges]
    depth = max(n.x for n in nodes) // COLUMN + 1
    return Picture(depth * COLUMN - (COLUMN - BOX_W) + 2, max(n.y for n in nodes) + BOX_H + 2, nodes, edges)


def _walk(node: Node) -> list[Node]:
    return [node, *(n for child in node.children for n in _walk(child))]
