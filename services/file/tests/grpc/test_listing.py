"""Listing one's own files page by page and by purpose; who sees a file's metadata."""

from __future__ import annotations

import uuid

import grpc
import pytest

from lms.file.v1 import file_pb2 as pb
from lms_kit.testing.harness import error_reason

from ..media import confirmed, create_request, photo


async def test_files_are_listed_newest_first_by_page_and_by_purpose(mesh):
    owner = mesh.mint.bearer(f"l-{uuid.uuid4()}")
    names = []
    for n in range(3):
        request = create_request(b"%PDF-" + bytes([n]), pb.PURPOSE_ATTACHMENT, "application/pdf", f"{n}.pdf")
        names.append((await mesh.files.CreateUpload(request, metadata=owner)).file.name)
    avatar = await mesh.files.CreateUpload(
        create_request(b"\xff\xd8\xff", pb.PURPOSE_AVATAR, "image/jpeg"), metadata=owner
    )
    first = await mesh.files.ListFiles(
        pb.ListFilesRequest(page_size=2, purpose=pb.PURPOSE_ATTACHMENT), metadata=owner
    )
    assert [f.name for f in first.files] == [names[2], names[1]] and first.next_page_token
    rest = await mesh.files.ListFiles(
        pb.ListFilesRequest(page_size=2, purpose=pb.PURPOSE_ATTACHMENT, page_token=first.next_page_token),
        metadata=owner,
    )
    assert [f.name for f in rest.files] == [names[0]] and not rest.next_page_token
    everything = await mesh.files.ListFiles(pb.ListFilesRequest(page_size=10), metadata=owner)
    assert [f.name for f in everything.files] == [avatar.file.name, *reversed(names)]
    other = await mesh.files.ListFiles(pb.ListFilesRequest(), metadata=mesh.mint.bearer(f"x-{uuid.uuid4()}"))
    assert list(other.files) == []


async def test_a_public_file_is_seen_by_anyone_and_a_private_one_only_by_its_owner(mesh):
    owner = mesh.mint.bearer(f"o-{uuid.uuid4()}")
    public = await confirmed(mesh.files, owner, photo(100, 100), pb.PURPOSE_AVATAR, "image/jpeg")
    private = await confirmed(mesh.files, owner, b"%PDF-1.4 secret", pb.PURPOSE_ATTACHMENT, "application/pdf")
    assert (await mesh.files.GetFile(pb.GetFileRequest(name=public.name))).public
    with pytest.raises(grpc.aio.AioRpcError) as hidden:
        await mesh.files.GetFile(pb.GetFileRequest(name=private.name), metadata=mesh.mint.bearer("someone"))
    assert (hidden.value.code(), error_reason(hidden.value)) == (grpc.StatusCode.NOT_FOUND, "FILE_NOT_FOUND")
    admin = mesh.mint.bearer("admin-1", roles=["admin"])
    assert (
        await mesh.files.GetFile(pb.GetFileRequest(name=private.name), metadata=admin)
    ).name == private.name
