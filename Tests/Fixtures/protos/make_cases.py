"""Writes the decoder test cases as JSON lines: for each case the message type, the bytes
Python protobuf serializes (hex) and json_format.MessageToDict of those bytes.

Usage: make_cases.py DESCRIPTOR_SET  (protoc --include_imports --descriptor_set_out of features.proto)
       make_cases.py DESCRIPTOR_SET --decode  (stdin: {"type", "hex"} lines; stdout: MessageToDict of each)
"""
import json
import sys

from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf import duration_pb2, empty_pb2, field_mask_pb2, struct_pb2, timestamp_pb2, wrappers_pb2  # noqa: F401

pool = descriptor_pool.Default()
files = descriptor_pb2.FileDescriptorSet.FromString(open(sys.argv[1], "rb").read())
for f in files.file:
    if not f.name.startswith("google/protobuf/"):
        pool.Add(f)


def cls(name):
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("features.v1." + name))


def from_dict(name, value):
    return json_format.ParseDict(value, cls(name)(), descriptor_pool=pool)


def enum_unknown():
    message = cls("Enums")()
    message.color = 7
    message.colors.extend([1, 9, 2])
    return message


def any_known():
    message = cls("WellKnown")()
    message.any.Pack(from_dict("Inner", {"label": "packed", "count": 3}))
    message.any_wkt.Pack(timestamp_pb2.Timestamp(seconds=1700000000, nanos=5000))
    return message


def any_unknown():
    message = cls("WellKnown")()
    message.any.type_url = "type.googleapis.com/nowhere.Unknown"
    message.any.value = b"\x08\x01"
    return message


def unknown_fields():
    superset = from_dict("UnknownsSuperset", {"known": "k", "extra": 42, "extraText": "more"})
    return cls("Unknowns").FromString(superset.SerializeToString())


def oneof_last_wins():
    first = from_dict("Oneofs", {"text": "first"}).SerializeToString()
    second = from_dict("Oneofs", {"number": 5, "after": "x"}).SerializeToString()
    return cls("Oneofs").FromString(first + second)


def merged_nested():
    one = from_dict("Nested", {"inner": {"label": "a", "count": 1}}).SerializeToString()
    two = from_dict("Nested", {"inner": {"count": 2, "child": {"label": "c"}}}).SerializeToString()
    return cls("Nested").FromString(one + two)


CASES = [
    ("scalars", "Scalars", lambda: from_dict("Scalars", {
        "i32": -5, "i64": "-9007199254740993", "u32": 4000000000, "u64": "18446744073709551615",
        "s32": -123, "s64": "-456", "f32": 7, "f64": "8", "sf32": -9, "sf64": "-10", "fl": 1.5, "db": -2.25,
        "flag": True, "text": "héllo \"q\"\n", "data": "3q2+7w==", "maybe": 0, "displayName": "Ann",
        "renamed": "custom json name"})),
    ("scalars_edge", "Scalars", lambda: from_dict("Scalars", {
        "i32": -2147483648, "i64": "9223372036854775807", "fl": "NaN", "db": "-Infinity", "s32": 2147483647})),
    ("empty", "Scalars", lambda: cls("Scalars")()),
    ("nested", "Nested", lambda: from_dict("Nested", {
        "inner": {"label": "top", "count": 1, "child": {"label": "deep", "child": {"count": 3}}},
        "items": [{"label": "a"}, {"count": 2}, {}]})),
    ("nested_merged", "Nested", merged_nested),
    ("enums", "Enums", lambda: from_dict("Enums", {"color": "GREEN", "colors": ["RED", "GREEN", "RED"], "size": "LARGE"})),
    ("enum_unknown", "Enums", enum_unknown),
    ("repeated", "Repeated", lambda: from_dict("Repeated", {
        "packedInts": [1, -2, 300], "unpackedInts": [4, 5], "names": ["x", "", "z"], "doubles": [0.5, 1e100],
        "zigzags": ["-1", "2", "-9223372036854775808"], "flags": [True, False], "fixeds": [1, 4294967295]})),
    ("maps", "Maps", lambda: from_dict("Maps", {
        "counts": {"a": 1, "b": 2}, "byId": {"-5": {"label": "neg"}, "10": {}},
        "flags": {"true": "yes", "false": "no"}, "colors": {"c": "RED"}, "blobs": {"3": "AAE="}})),
    ("oneof_string", "Oneofs", lambda: from_dict("Oneofs", {"text": "chosen"})),
    ("oneof_default", "Oneofs", lambda: from_dict("Oneofs", {"number": 0})),
    ("oneof_message", "Oneofs", lambda: from_dict("Oneofs", {"inner": {"label": "in"}, "after": "y"})),
    ("oneof_last_wins", "Oneofs", oneof_last_wins),
    ("timestamp_duration", "WellKnown", lambda: from_dict("WellKnown", {
        "at": "2024-05-01T12:30:45.123Z", "took": "1.500s"})),
    ("timestamp_precision", "WellKnown", lambda: from_dict("WellKnown", {
        "at": "1969-12-31T23:59:59.000000001Z", "took": "-0.000001s"})),
    ("timestamp_whole", "WellKnown", lambda: from_dict("WellKnown", {"at": "0001-01-01T00:00:00Z", "took": "3s"})),
    ("wrappers", "WellKnown", lambda: from_dict("WellKnown", {
        "i64": "-12", "s": "wrapped", "b": False, "bs": "AQI=", "d": 2.5, "u32": 0, "f": 0.25,
        "u64": "18446744073709551615", "i32": 7})),
    ("struct_value_list", "WellKnown", lambda: from_dict("WellKnown", {
        "st": {"name": "x", "n": 1.5, "ok": True, "none": None, "list": [1, "two", {"three": 3}], "obj": {"a": []}},
        "v": "just a string", "lv": [None, False, 2]})),
    ("any_known", "WellKnown", any_known),
    ("any_unknown", "WellKnown", any_unknown),
    ("empty_and_mask", "WellKnown", lambda: from_dict("WellKnown", {
        "empty": {}, "mask": "user.displayName,photo"})),
    ("unknown_fields", "Unknowns", unknown_fields),
]

if sys.argv[2:] == ["--decode"]:
    for line in sys.stdin:
        request = json.loads(line)
        message_class = message_factory.GetMessageClass(pool.FindMessageTypeByName(request["type"]))
        parsed = message_class.FromString(bytes.fromhex(request["hex"]))
        print(json.dumps({"dict": json_format.MessageToDict(parsed, descriptor_pool=pool)}))
    sys.exit(0)

for name, type_name, build in CASES:
    message = build()
    data = message.SerializeToString()
    parsed = cls(type_name).FromString(data)
    line = {"case": name, "type": "features.v1." + type_name, "hex": data.hex()}
    try:
        line["dict"] = json_format.MessageToDict(parsed, descriptor_pool=pool)
    except TypeError as error:  # an Any of an unknown type has no JSON form
        line["pythonError"] = str(error)
    print(json.dumps(line))
