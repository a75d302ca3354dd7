"""Signed copies: a key pair, a signed export that minisign itself accepts, and ``mirror verify``."""

from __future__ import annotations

import base64
import os
import shutil
import stat
import subprocess

import pytest
from click.testing import CliRunner

from app import create_app
from conftest import sound_content
from tirek import export, signing
from tirek.export import CHECKSUMS, SIGNATURE
from tirek.mirror_cli import mirror

MINISIGN = shutil.which("minisign")


def minisign() -> str:
    """Debian's minisign binary: skipped loudly when absent here, a failure in CI."""
    if MINISIGN:
        return MINISIGN
    if os.environ.get("CI"):
        pytest.fail("CI: minisign not found; .ci/run installs Debian's minisign package")
    pytest.skip("MINISIGN NOT FOUND: the check with the standard tool did not run (apt-get install minisign)")


def run_mirror(*args, env=None):
    return CliRunner().invoke(mirror, list(map(str, args)), env=env)


@pytest.fixture(scope="module")
def key_pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("keys")
    result = run_mirror("keygen", folder / "site.key")
    assert result.exit_code == 0, result.output
    secret = folder / "site.key"
    public = signing.read_public_key((folder / "site.key.pub").read_text())
    return {"secret": secret, "public": public, "output": result.output}


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    return str(sound_content(tmp_path_factory.mktemp("content") / "resources"))


@pytest.fixture(scope="module")
def signed_copy(tmp_path_factory, content, key_pair):
    """One signed export, made once; tests that change it work on their own copy of it."""
    app = create_app({"TESTING": True, "RESOURCES_DIR": content, "SIGNING_PUBLIC_KEY": key_pair["public"].text})
    folder = tmp_path_factory.mktemp("signed") / "copy"
    result = app.test_cli_runner().invoke(export.export_command, [str(folder), "--sign", str(key_pair["secret"])])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def copy(signed_copy, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(signed_copy, target)
    return target


def verify(folder, key_pair):
    return run_mirror("verify", folder, "--public-key", key_pair["public"].text)


def test_keygen_writes_a_private_secret_key_and_a_minisign_public_key(key_pair):
    secret = key_pair["secret"]
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    public_text = (secret.parent / "site.key.pub").read_text()
    key = key_pair["public"]
    assert public_text == f"untrusted comment: minisign public key {key.id_hex}\n{key.text}\n"
    assert base64.b64decode(key.text)[:2] == b"Ed" and len(base64.b64decode(key.text)) == 42
    assert f"TIREK_SIGNING_PUBLIC_KEY={key.text}" in key_pair["output"]
    assert signing.read_secret_key(secret.read_text()).public_key == key


def test_keygen_never_overwrites_a_key(key_pair):
    before = key_pair["secret"].read_bytes()
    result = run_mirror("keygen", key_pair["secret"])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert key_pair["secret"].read_bytes() == before


def test_signed_export_passes_minisign_itself(signed_copy, key_pair):
    tool = minisign()
    for key_args in (["-P", key_pair["public"].text], ["-p", str(key_pair["secret"].parent / "site.key.pub")]):
        result = subprocess.run([tool, "-Vm", CHECKSUMS, *key_args], cwd=signed_copy, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "Signature and comment signature verified" in result.stderr + result.stdout


def test_minisign_rejects_a_changed_list(copy, key_pair):
    tool = minisign()
    with (copy / CHECKSUMS).open("a") as sums:
        sums.write(f"{'0' * 64}  ru/extra.html\n")
    result = subprocess.run(
        [tool, "-Vm", CHECKSUMS, "-P", key_pair["public"].text], cwd=copy, capture_output=True, text=True
    )
    assert result.returncode != 0


def test_our_secret_key_file_signs_with_minisign_and_its_keys_sign_with_us(tmp_path, key_pair):
    """The key formats are minisign's, both ways: its files are ours and ours are its."""
    tool = minisign()
    message = tmp_path / "message.txt"
    message.write_bytes(b"SHA256SUMS of some release\n")
    subprocess.run(
        [tool, "-S", "-s", str(key_pair["secret"]), "-m", str(message)],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    comment = signing.verify(key_pair["public"], message.read_bytes(), (tmp_path / "message.txt.minisig").read_text())
    assert comment.startswith("timestamp:") and comment.endswith("\thashed")

    subprocess.run(
        [tool, "-G", "-W", "-p", str(tmp_path / "their.pub"), "-s", str(tmp_path / "their.key")],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    theirs = signing.read_secret_key((tmp_path / "their.key").read_text())
    assert theirs.public_key == signing.read_public_key((tmp_path / "their.pub").read_text())
    (tmp_path / "message.txt.minisig").write_text(signing.sign(theirs, message.read_bytes(), "file:message.txt"))
    result = subprocess.run(
        [tool, "-Vm", str(message), "-p", str(tmp_path / "their.pub")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_signed_copy_verifies_and_says_what_it_checked(signed_copy, key_pair):
    result = verify(signed_copy, key_pair)
    assert result.exit_code == 0, result.output
    assert f"good signature by key {key_pair['public'].id_hex}" in result.output
    assert "content:" in result.output and "file:SHA256SUMS" in result.output
    assert "files match, and there are no others" in result.output


def test_verify_takes_the_key_from_the_setting_or_a_pub_file(signed_copy, key_pair):
    from_setting = run_mirror("verify", signed_copy, env={"TIREK_SIGNING_PUBLIC_KEY": key_pair["public"].text})
    assert from_setting.exit_code == 0, from_setting.output
    from_file = run_mirror("verify", signed_copy, "--public-key", key_pair["secret"].parent / "site.key.pub")
    assert from_file.exit_code == 0, from_file.output


@pytest.mark.parametrize(
    "change, named",
    [
        (
            lambda copy: (copy / "ru" / "contacts" / "index.html").write_bytes(
                (copy / "ru" / "contacts" / "index.html").read_bytes().replace(b"112", b"113", 1)
            ),
            "ru/contacts/index.html: changed",
        ),
        (lambda copy: (copy / "en" / "copy.html").unlink(), "en/copy.html: missing"),
        (
            lambda copy: (copy / "kk" / "news").mkdir() or (copy / "kk" / "news" / "index.html").write_text("<p>x</p>"),
            "kk/news/index.html: not listed in SHA256SUMS",
        ),
        (
            lambda copy: (copy / "ru" / "index.html").write_bytes((copy / "ru" / "index.html").read_bytes() + b" "),
            "ru/index.html: changed",
        ),
    ],
)
def test_one_changed_missing_or_added_file_fails_verify_by_name(copy, key_pair, change, named):
    change(copy)
    result = verify(copy, key_pair)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith(named) for line in lines), result.output
    assert "do not trust this copy" in result.output


def test_a_changed_list_fails_the_signature(copy, key_pair):
    """Whoever changes a file and its line in SHA256SUMS still cannot sign the new list."""
    page = copy / "ru" / "contacts" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"112", b"113", 1))
    import hashlib

    sums = (copy / CHECKSUMS).read_text().splitlines()
    sums = [
        f"{hashlib.sha256(page.read_bytes()).hexdigest()}  ru/contacts/index.html"
        if line.endswith("  ru/contacts/index.html")
        else line
        for line in sums
    ]
    (copy / CHECKSUMS).write_text("\n".join(sums) + "\n")
    result = verify(copy, key_pair)
    assert result.exit_code == 1
    assert f"{SIGNATURE}: the signature does not match the file" in result.output
    assert "ru/contacts/index.html" not in result.output  # the file matches the forged list


def test_a_changed_trusted_comment_fails(copy, key_pair):
    lines = (copy / SIGNATURE).read_text().splitlines()
    lines[2] = lines[2].replace("content:", "content:2099-")
    (copy / SIGNATURE).write_text("\n".join(lines) + "\n")
    result = verify(copy, key_pair)
    assert result.exit_code == 1
    assert "trusted comment was changed" in result.output


def test_another_key_missing_signature_or_no_key_fail(copy, key_pair):
    other = signing.generate().public_key
    result = run_mirror("verify", copy, "--public-key", other.text)
    assert result.exit_code == 1
    assert f"signed with key {key_pair['public'].id_hex}, not with {other.id_hex}" in result.output

    no_key = run_mirror("verify", copy, env={"TIREK_SIGNING_PUBLIC_KEY": ""})
    assert no_key.exit_code == 1 and "no public key" in no_key.output

    (copy / SIGNATURE).unlink()
    unsigned = verify(copy, key_pair)
    assert unsigned.exit_code == 1 and f"{SIGNATURE}: missing" in unsigned.output


def test_a_broken_checksum_list_is_named_by_line(copy, key_pair):
    with (copy / CHECKSUMS).open("a") as sums:
        sums.write("not a line\n" + "0" * 64 + "  ../outside.txt\n")
    result = verify(copy, key_pair)
    assert result.exit_code == 1
    lines = (copy / CHECKSUMS).read_text().count("\n")
    assert f"{CHECKSUMS}:{lines - 1}: not a checksum line" in result.output
    assert f"{CHECKSUMS}:{lines}: '../outside.txt' is not a path inside the copy" in result.output


def test_signing_is_deterministic_and_a_previous_signed_copy_is_replaced(tmp_path, content, key_pair, signed_copy):
    app = create_app({"TESTING": True, "RESOURCES_DIR": content, "SIGNING_PUBLIC_KEY": key_pair["public"].text})
    target = tmp_path / "again"
    shutil.copytree(signed_copy, target)
    result = app.test_cli_runner().invoke(export.export_command, [str(target), "--sign", str(key_pair["secret"])])
    assert result.exit_code == 0, result.output
    assert (target / SIGNATURE).read_bytes() == (signed_copy / SIGNATURE).read_bytes()


def test_the_copy_shows_the_fingerprint_it_is_signed_with(signed_copy, key_pair):
    for name in ("ru/mirrors/index.html", "kk/copy.html", "en/copy.html"):
        assert key_pair["public"].text in (signed_copy / name).read_text(), name


def test_export_refuses_a_key_that_is_not_the_configured_one(tmp_path, content, key_pair):
    other = signing.generate().public_key
    app = create_app({"TESTING": True, "RESOURCES_DIR": content, "SIGNING_PUBLIC_KEY": other.text})
    result = app.test_cli_runner().invoke(
        export.export_command, [str(tmp_path / "c"), "--sign", str(key_pair["secret"])]
    )
    assert result.exit_code == 1
    assert "is not the one in TIREK_SIGNING_PUBLIC_KEY" in result.output
    assert not (tmp_path / "c").exists()


def test_export_refuses_a_password_protected_or_broken_key(tmp_path, content, key_pair):
    app = create_app({"TESTING": True, "RESOURCES_DIR": content})
    comment, line = key_pair["secret"].read_text().splitlines()
    data = bytearray(base64.b64decode(line))
    data[2:4] = b"Sc"
    protected = tmp_path / "protected.key"
    protected.write_text(f"{comment}\n{base64.b64encode(bytes(data)).decode()}\n")
    result = app.test_cli_runner().invoke(export.export_command, [str(tmp_path / "c"), "--sign", str(protected)])
    assert result.exit_code == 1
    assert f"{protected}: the key is protected by a password" in result.output

    data[2:4] = b"\0\0"
    data[-40] ^= 1  # a bit of the secret key
    damaged = tmp_path / "damaged.key"
    damaged.write_text(f"{comment}\n{base64.b64encode(bytes(data)).decode()}\n")
    result = app.test_cli_runner().invoke(export.export_command, [str(tmp_path / "c"), "--sign", str(damaged)])
    assert result.exit_code == 1 and "damaged" in result.output


def test_a_bad_public_key_setting_stops_the_app_with_one_line(content):
    with pytest.raises(SystemExit) as stopped:
        create_app({"TESTING": True, "RESOURCES_DIR": content, "SIGNING_PUBLIC_KEY": "RWQ-not-a-key"})
    assert str(stopped.value.code).startswith("TIREK_SIGNING_PUBLIC_KEY: not a minisign public key")
