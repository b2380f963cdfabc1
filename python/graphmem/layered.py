"""The layered access path: the baseline's shape, kept on purpose to measure what layers cost.

Phase 2 of the redesign removed wrapper layers between Python and the store. To measure that
honestly this module reproduces the baseline's shape over the same C extension:

    g.nodes["n0"].salary
      Graph.nodes            -> a new NodesAccessor        (object 1)
      NodesAccessor[id]      -> a new NodeProxy            (object 2)
      NodeProxy.salary       -> a new AttributeManager     (object 3)
      AttributeManager.get   -> JSON text from the core (gm_value_to_json), json.loads in Python

and every write serializes with json.dumps in Python and is parsed again by the core
(gm_node_set_json). Use it over the "json" backend for the phase-0 Python figure and over
"native" for phase 1; the direct path is graphmem.Graph itself.

The API mirrors graphmem.Graph for what the benchmark touches: add_node, add_nodes_from,
add_edge, add_edges_from, nodes[id].attr / nodes[id][attr] (read and write), column(key),
filter(**kw), neighbors, degree, remove_node, len, iteration, `in`.
"""
import json

from . import _graphmem

__all__ = ["Graph"]


class AttributeManager:
    """One attribute operation of one node: values cross as JSON text."""

    def __init__(self, core, node_id):
        self._core = core
        self._id = node_id

    def get(self, key):
        text = self._core.get_json(self._id, key)
        if text is None:
            raise KeyError(key)
        return json.loads(text)

    def set(self, key, value):
        self._core.set_json(self._id, key, json.dumps(value, allow_nan=False))

    def delete(self, key):
        self._core.unset(self._id, key)


class NodeProxy:
    """A node: every attribute access builds a new AttributeManager."""

    __slots__ = ("_core", "_id")

    def __init__(self, core, node_id):
        object.__setattr__(self, "_core", core)
        object.__setattr__(self, "_id", node_id)

    def _attrs(self):
        return AttributeManager(self._core, self._id)

    def __getattr__(self, key):
        if key.startswith("__"):
            raise AttributeError(key)
        try:
            return self._attrs().get(key)
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key, value):
        self._attrs().set(key, value)

    def __getitem__(self, key):
        return self._attrs().get(key)

    def __setitem__(self, key, value):
        self._attrs().set(key, value)

    def __delitem__(self, key):
        self._attrs().delete(key)

    @property
    def id(self):
        return self._id


class NodesAccessor:
    """g.nodes: built anew on every access, as the baseline's accessor was."""

    def __init__(self, core):
        self._core = core

    def __getitem__(self, node_id):
        if node_id not in self._core:
            raise KeyError(node_id)
        return NodeProxy(self._core, node_id)

    def __len__(self):
        return len(self._core)

    def __iter__(self):
        return iter(self._core)

    def __contains__(self, node_id):
        return node_id in self._core


class Graph:
    """A graph whose attribute values cross the Python/C boundary as JSON text."""

    def __init__(self, backend="json"):
        self._core = _graphmem.Graph(backend=backend)

    @property
    def backend(self):
        return self._core.backend

    @property
    def nodes(self):
        return NodesAccessor(self._core)

    def _set_all(self, node_id, attrs):
        manager = AttributeManager(self._core, node_id)
        for key, value in attrs.items():
            manager.set(key, value)

    def add_node(self, node_id, **attrs):
        self._core.add_node(node_id)
        self._set_all(node_id, attrs)

    def add_nodes_from(self, nodes, **attrs):
        for item in nodes:
            if isinstance(item, tuple):
                node_id, data = item
            else:
                node_id, data = item, {}
            self._core.add_node(node_id)
            self._set_all(node_id, attrs)
            self._set_all(node_id, data)

    def add_edge(self, u, v, **attrs):
        e = self._core.add_edge(u, v)
        for key, value in attrs.items():
            self._core.set_edge(e, key, json.loads(json.dumps(value, allow_nan=False)))
        return e

    def add_edges_from(self, edges, **attrs):
        for item in edges:
            data = item[2] if len(item) == 3 else {}
            self.add_edge(item[0], item[1], **attrs, **data)

    def column(self, key):
        """{id: value} for every node holding `key`, read node by node through the layers."""
        out = {}
        nodes = self.nodes
        for node_id in self._core:
            try:
                out[node_id] = nodes[node_id][key]
            except KeyError:
                pass
        return out

    def filter(self, *preds, **kw):
        return self._core.filter(*preds, **kw)

    def neighbors(self, node_id):
        return self._core.neighbors(node_id)

    def degree(self, node_id):
        return self._core.degree(node_id)

    def remove_node(self, node_id):
        self._core.remove_node(node_id)

    def number_of_edges(self):
        return self._core.number_of_edges()

    def __len__(self):
        return len(self._core)

    def __iter__(self):
        return iter(self._core)

    def __contains__(self, node_id):
        return node_id in self._core
