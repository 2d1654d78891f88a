#!/usr/bin/env python3
"""inventory-python: plugin-dev's second example, a go-plugin plugin whose service is not KV.

inventory.v1.Inventory (protos/inventory.proto) keeps items in memory: GetItem, PutItem and the
server-streaming WatchStock. Its messages have nested messages, an enum, repeated fields, a map,
a oneof and Timestamps, and the plugin registers gRPC server reflection (grpcio-reflection), so
`plugin-dev run` learns the schema by itself: try `services`, `describe inventory.v1.Item` and
`call GetItem {"sku": "hammer"}` in its console. INVENTORY_REFLECTION=off leaves reflection out
(then give plugin-dev `--proto protos/inventory.proto`). goplugin.py does the go-plugin part.
"""

import os
import threading
import time

import goplugin  # first: it puts the generated stubs (proto_gen/) on sys.path
import grpc
import inventory_pb2
import inventory_pb2_grpc
from goplugin import log
from google.protobuf import timestamp_pb2
from grpc_reflection.v1alpha import reflection

MAGIC_COOKIE_KEY = "INVENTORY_PLUGIN"
MAGIC_COOKIE_VALUE = "stock"
SUPPORTED_APP_VERSIONS = (1,)
LOG_MODULE = "inventory-python"


def timestamp(seconds):
    return timestamp_pb2.Timestamp(seconds=int(seconds), nanos=int((seconds % 1) * 1e9) // 1000 * 1000)


def sample_items():
    """Two items to start with, so GetItem has something to show."""
    hammer = inventory_pb2.Item(
        sku="hammer", name="Claw hammer", category=inventory_pb2.TOOLS,
        price=inventory_pb2.Money(currency="EUR", units=12, nanos=500000000),
        tags=["steel", "16oz"], in_stock=True, updated_at=timestamp_pb2.Timestamp(seconds=1714566645),
        dimensions=inventory_pb2.Item.Dimensions(width_cm=12.5, height_cm=33))
    hammer.stock_by_warehouse["berlin"] = 4
    hammer.stock_by_warehouse["lyon"] = 11
    rake = inventory_pb2.Item(
        sku="rake", name="Leaf rake", category=inventory_pb2.GARDEN,
        price=inventory_pb2.Money(currency="EUR", units=19), tags=["garden"],
        restock_at=timestamp_pb2.Timestamp(seconds=1735732800), updated_at=timestamp_pb2.Timestamp(seconds=1714566645))
    return {item.sku: item for item in (hammer, rake)}


class InventoryServicer(inventory_pb2_grpc.InventoryServicer):
    """inventory.v1.Inventory over a dict, safe for grpcio's worker threads."""

    def __init__(self):
        self.items = sample_items()
        self.lock = threading.Lock()

    def GetItem(self, request, context):
        with self.lock:
            item = self.items.get(request.sku)
        log.debug("get item", sku=request.sku, found=item is not None)
        if item is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "no item with sku '%s'" % request.sku)
        return item

    def PutItem(self, request, context):
        if not request.sku:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "an item needs a sku")
        with self.lock:
            self.items[request.sku] = request
        log.debug("put item", sku=request.sku)
        return inventory_pb2.PutItemResponse(sku=request.sku, stored_at=timestamp(time.time()))

    def WatchStock(self, request, context):
        with self.lock:
            item = self.items.get(request.sku)
        if item is None:
            context.abort(grpc.StatusCode.NOT_FOUND, "no item with sku '%s'" % request.sku)
        warehouses = sorted(item.stock_by_warehouse) or ["main"]
        for n in range(max(0, min(request.updates, 1000))):
            warehouse = warehouses[n % len(warehouses)]
            quantity = item.stock_by_warehouse.get(warehouse, 0) + n + 1
            yield inventory_pb2.StockEvent(
                sku=request.sku, warehouse=warehouse, quantity=quantity, at=timestamp(time.time()))


def add_services(server):
    inventory_pb2_grpc.add_InventoryServicer_to_server(InventoryServicer(), server)
    if os.environ.get("INVENTORY_REFLECTION", "on") != "off":
        names = [inventory_pb2.DESCRIPTOR.services_by_name["Inventory"].full_name, reflection.SERVICE_NAME]
        reflection.enable_server_reflection(names, server)


if __name__ == "__main__":
    goplugin.serve(add_services, cookie=(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
                   versions=SUPPORTED_APP_VERSIONS, name=LOG_MODULE, network_variable="INVENTORY_PLUGIN_NETWORK")
