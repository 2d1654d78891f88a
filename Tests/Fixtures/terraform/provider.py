"""A Terraform provider written with PyPI's `tf` framework (1.2.0): one resource, `notes_note`.

A plugin nobody on this project wrote the machinery of: its handshake is `1|6|unix|PATH|grpc|CERT`
with a 1024-bit RSA certificate, as `tf` makes it. The tests install `tf` into `.venv-tf` from
PyPI (Tests/Fixtures/terraform/requirements.txt) and start this file with that interpreter.
"""

from typing import Optional, Type

from tf import runner, schema, types
from tf.iface import Config, CreateContext, DeleteContext, ReadContext, State, UpdateContext
from tf.provider import DataSource, Diagnostics, Provider, Resource


class Note(Resource):
    def __init__(self, provider: "NotesProvider"):
        self.provider = provider

    @classmethod
    def get_name(cls) -> str:
        return "note"

    @classmethod
    def get_schema(cls) -> schema.Schema:
        return schema.Schema(
            attributes=[
                schema.Attribute("text", types.String(), required=True),
                schema.Attribute("length", types.Number(), computed=True),
            ]
        )

    def create(self, ctx: CreateContext, planned: State) -> Optional[State]:
        return {**planned, "length": len(planned["text"])}

    def read(self, ctx: ReadContext, current: State) -> Optional[State]:
        return current

    def update(self, ctx: UpdateContext, current: State, planned: State) -> Optional[State]:
        return {**planned, "length": len(planned["text"])}

    def delete(self, ctx: DeleteContext, current: State):
        return None


class NotesProvider(Provider):
    def full_name(self) -> str:
        return "registry.terraform.io/plugin-dev/notes"

    def get_model_prefix(self) -> str:
        return "notes_"

    def get_provider_schema(self, diags: Diagnostics) -> schema.Schema:
        return schema.Schema(attributes=[])

    def validate_config(self, diags: Diagnostics, config: Config):
        pass

    def configure_provider(self, diags: Diagnostics, config: Config):
        pass

    def get_data_sources(self) -> list[Type[DataSource]]:
        return []

    def get_resources(self) -> list[Type[Resource]]:
        return [Note]


if __name__ == "__main__":
    runner.run_provider(NotesProvider())
