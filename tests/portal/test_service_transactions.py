"""Guard: a service that takes a row lock (`select_for_update`) runs inside a transaction.

PostgreSQL refuses `SELECT ... FOR UPDATE` outside a transaction and SQLite (the tests'
database) does not, so a lost `@transaction.atomic` shows only in production (it happened in
the split of meetings/services). This test reads the source (nothing runs): every public
service (a public function of `*/services.py` or `*/services_*.py`, or a name a `*/services/`
package re-exports) that locks rows, itself or through the helpers it calls in any module of
the apps, is decorated with `transaction.atomic` or makes the locking call inside a
`with transaction.atomic():` block. A helper that locks inside its caller's transaction
(`meetings.services.common.meeting_locked`, `cases.numbers`) is fine when every service
calling it is covered."""

import ast
import dataclasses
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "meetings", "knowledge", "training", "cases")


@dataclasses.dataclass
class Function:
    module: str
    name: str
    atomic: bool  # decorated with transaction.atomic
    locks: bool = False  # calls select_for_update anywhere
    locks_uncovered: bool = False  # ... outside a `with transaction.atomic()` block
    calls: set = dataclasses.field(default_factory=set)  # {(module, name)}
    calls_uncovered: set = dataclasses.field(default_factory=set)


def _is_atomic(node):
    """`transaction.atomic` or `atomic`, called or not (`transaction.atomic(using=...)`)."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr == "atomic"
    return isinstance(node, ast.Name) and node.id == "atomic"


def _imports(tree):
    """{local name: (module, attribute or None)} of the module's top-level imports."""
    names = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name] = (alias.name, None)
    return names


class _Walker(ast.NodeVisitor):
    """What one function calls, and which of its calls sit outside atomic blocks."""

    def __init__(self, function, imports):
        self.function = function
        self.imports = imports
        self.atomic_depth = 0

    def visit_With(self, node):
        atomic = any(_is_atomic(item.context_expr) for item in node.items)
        self.atomic_depth += atomic
        self.generic_visit(node)
        self.atomic_depth -= atomic

    def visit_Call(self, node):
        covered = self.atomic_depth > 0
        if isinstance(node.func, ast.Attribute) and node.func.attr == "select_for_update":
            self.function.locks = True
            self.function.locks_uncovered |= not covered
        target = self._resolve(node.func)
        if target is not None:
            self.function.calls.add(target)
            if not covered:
                self.function.calls_uncovered.add(target)
        self.generic_visit(node)

    def _resolve(self, func):
        if isinstance(func, ast.Name):
            source, attribute = self.imports.get(func.id, (self.function.module, func.id))
            return (source, attribute) if attribute else None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if func.value.id in self.imports:  # module.function(...)
                source, attribute = self.imports[func.value.id]
                return (f"{source}.{attribute}" if attribute else source, func.attr)
        return None


class Services:
    """The functions of a set of modules ({module name: source}) and their calls."""

    def __init__(self, sources):
        self.functions = {}
        self.imports = {}
        for module, source in sources.items():
            tree = ast.parse(source)
            self.imports[module] = _imports(tree)
            for node in tree.body:
                if isinstance(node, ast.FunctionDef):
                    function = Function(
                        module, node.name, any(map(_is_atomic, node.decorator_list))
                    )
                    walker = _Walker(function, self.imports[module])
                    for statement in node.body:
                        walker.visit(statement)
                    self.functions[(module, node.name)] = function
        for function in self.functions.values():
            function.calls = {self.resolve(call) for call in function.calls}
            function.calls_uncovered = {self.resolve(call) for call in function.calls_uncovered}

    def resolve(self, key, seen=()):
        """Follow re-exports (a name imported by the module asked for) to the definition."""
        module, name = key
        if key in self.functions or key in seen:
            return key
        imported = self.imports.get(module, {}).get(name)
        if imported is None or imported[1] is None:
            return key
        return self.resolve(imported, (*seen, key))

    def public_services(self):
        keys = set()
        for module in self.imports:
            leaf = module.rpartition(".")[2]
            if re.fullmatch(r"services(_\w+)?", leaf) and not self._is_package(module):
                keys |= {k for k in self.functions if k[0] == module and not k[1].startswith("_")}
            elif leaf == "services" and self._is_package(module):
                for name, imported in self.imports[module].items():
                    key = self.resolve(imported) if imported[1] else None
                    if key in self.functions and not name.startswith("_"):
                        keys.add(key)
        return keys

    def _is_package(self, module):
        return any(other.startswith(f"{module}.") for other in self.imports)

    def _closure(self, seeds, edges, stop):
        result = set(seeds)
        changed = True
        while changed:
            changed = False
            for key, function in self.functions.items():
                if key not in result and not stop(function) and getattr(function, edges) & result:
                    result.add(key)
                    changed = True
        return result

    def locking(self):
        """Functions that take a row lock, themselves or through what they call."""
        seeds = {key for key, function in self.functions.items() if function.locks}
        return self._closure(seeds, "calls", stop=lambda function: False)

    def unprotected(self):
        """Functions that take a row lock with no transaction of their own around it."""
        seeds = {
            key
            for key, function in self.functions.items()
            if function.locks_uncovered and not function.atomic
        }
        return self._closure(seeds, "calls_uncovered", stop=lambda function: function.atomic)

    def services_locking_outside_a_transaction(self):
        return sorted(f"{m}.{n}" for m, n in self.public_services() & self.unprotected())


def app_sources():
    sources = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            sources[".".join(parts)] = path.read_text(encoding="utf-8")
    return sources


def test_every_service_that_locks_rows_runs_in_a_transaction():
    services = Services(app_sources())
    locking = services.public_services() & services.locking()
    assert len(locking) >= 40, sorted(locking)  # the check looks at the real services
    assert services.services_locking_outside_a_transaction() == []


def test_the_guard_finds_a_lost_decorator_in_the_real_source():
    sources = app_sources()
    module = "meetings.services.polls"
    assert "@transaction.atomic\ndef date_poll_answer(" in sources[module]
    sources[module] = sources[module].replace(
        "@transaction.atomic\ndef date_poll_answer(", "def date_poll_answer("
    )
    assert Services(sources).services_locking_outside_a_transaction() == [
        "meetings.services.polls.date_poll_answer"
    ]


SAMPLE = {
    "demo.services": """
from demo.services.things import thing_covered, thing_lost, thing_in_block

""",
    "demo.services.common": """
def locked(thing):
    return Thing.objects.select_for_update().get(pk=thing.pk)
""",
    "demo.services.things": """
from django.db import transaction

from demo.services import common
from demo.services.common import locked


@transaction.atomic
def thing_covered(*, thing):
    locked(thing)


def thing_lost(*, thing):
    _check(thing)
    common.locked(thing)


def thing_in_block(*, thing):
    with transaction.atomic():
        locked(thing)


def _check(thing):
    pass
""",
}


def test_the_guard_follows_helpers_and_accepts_atomic_blocks():
    services = Services(SAMPLE)
    assert services.public_services() == {
        ("demo.services.things", name) for name in ("thing_covered", "thing_lost", "thing_in_block")
    }
    assert services.services_locking_outside_a_transaction() == ["demo.services.things.thing_lost"]
