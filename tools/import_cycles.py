"""Fail when modules of a package import each other in a cycle, type-checking imports included.

import-linter's contracts keep the layers apart but say nothing about a cycle inside one
layer (``ui.shell.window`` → ``ui.outbox.controller`` → ``ui.shell.window``). This builds
the package's import graph with grimp (import-linter's own graph library; imports under
``if TYPE_CHECKING:`` and inside functions count), finds its strongly connected components
and prints, for each, cycles through every one of its modules as chains with the lines
that import::

    python -m tools.import_cycles [PACKAGE ...]    # default regal_desktop; exit 1 on a cycle
"""

from __future__ import annotations

import itertools
import sys
from collections import deque
from collections.abc import Mapping, Sequence, Set

import grimp

Graph = Mapping[str, Set[str]]


def import_graph(packages: Sequence[str]) -> tuple[grimp.ImportGraph, dict[str, set[str]]]:
    """grimp's graph of ``packages`` (found on sys.path, not imported) and its edges."""
    first, *rest = packages
    # No cache: the graph is small, and a cache folder would land in the working tree.
    graph = grimp.build_graph(first, *rest, cache_dir=None)
    edges = {
        module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules
    }
    return graph, edges


def strongly_connected(edges: Graph) -> list[list[str]]:
    """The components of more than one module, or of one that imports itself (Tarjan).

    Iterative, so a long chain of imports cannot exhaust Python's recursion limit. Each
    component and the list of them are sorted, for output that does not depend on hashing.
    """
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        index[root] = lowlink[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(edges.get(root, ()))))]
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = lowlink[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(edges.get(successor, ())))))
                    break
                if successor in on_stack:
                    lowlink[node] = min(lowlink[node], index[successor])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    lowlink[parent] = min(lowlink[parent], lowlink[node])
                if lowlink[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in edges.get(node, ()):
                        found.append(sorted(component))
    return sorted(found)


def shortest_cycle(start: str, members: Set[str], edges: Graph) -> list[str]:
    """The shortest chain ``start -> ... -> start`` within ``members`` (breadth first)."""
    parent: dict[str, str] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        for successor in sorted(edges.get(node, ())):
            if successor == start:
                chain = [node]
                while chain[-1] != start:
                    chain.append(parent[chain[-1]])
                return [*reversed(chain), start]
            if successor in members and successor not in seen:
                seen.add(successor)
                parent[successor] = node
                queue.append(successor)
    raise ValueError(f"{start} is on no cycle within the component")


def cycles_covering(component: Sequence[str], edges: Graph) -> list[list[str]]:
    """Shortest cycles until every module of ``component`` is on one of them."""
    members = set(component)
    covered: set[str] = set()
    cycles = []
    for module in component:
        if module not in covered:
            cycle = shortest_cycle(module, members, edges)
            covered.update(cycle)
            cycles.append(cycle)
    return cycles


def describe(cycle: Sequence[str], graph: grimp.ImportGraph) -> list[str]:
    """The chain on one line, then each import of it with its line number and text."""
    lines = [" -> ".join(cycle)]
    for importer, imported in itertools.pairwise(cycle):
        details = graph.get_import_details(importer=importer, imported=imported)
        for detail in sorted(details, key=lambda d: int(d["line_number"])):
            lines.append(f"    {importer}:{detail['line_number']}: {detail['line_contents']}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Print every cycle of the packages named (default regal_desktop); 1 if there is one."""
    packages = list(sys.argv[1:] if argv is None else argv) or ["regal_desktop"]
    graph, edges = import_graph(packages)
    components = strongly_connected(edges)
    names = ", ".join(packages)
    if not components:
        imports = sum(len(targets) for targets in edges.values())
        print(f"No import cycles in {names} ({len(edges)} modules, {imports} imports).")
        return 0
    for component in components:
        print(f"Import cycle among {len(component)} modules of {names}:")
        for cycle in cycles_covering(component, edges):
            print("\n".join("  " + line for line in describe(cycle, graph)))
    print(f"{len(components)} import cycle(s): break each by moving what both sides need")
    print("down a layer, or by passing it in (a parameter, a callback) instead of importing it.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
