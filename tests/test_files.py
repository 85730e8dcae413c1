"""Outputs: atomic writes, what they may replace, and the errors that name the file.

Nothing here touches a real device but through code paths proven not to
rename onto it: ``os.replace`` is made to fail the test whenever a device or a
FIFO is the target.
"""

import errno
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from conftest import save_forever_script

import glassnet
from glassnet import Dense, Network, _files, modelfile, report
from glassnet.recording import Recorder, Recording

POSIX = os.name == "posix"
posix_only = pytest.mark.skipif(not POSIX, reason="modes, FIFOs and signals are POSIX")


def small_network():
    return Network([Dense(2, 3, "tanh"), Dense(3, 1)], seed=0)


def temporary_files(directory):
    return [name for name in os.listdir(directory) if name.endswith(".tmp")]


def no_replace(*args, **kwargs):
    pytest.fail(f"os.replace called with {args}: a device or FIFO must not be renamed")


# -- empty paths and directories (F14) ----------------------------------------


@pytest.mark.parametrize(
    "write",
    [
        lambda path: modelfile.save(small_network(), path),
        lambda path: report.write(path, network=small_network()),
        lambda path: _files.check_writable(path),
    ],
    ids=["save", "report", "check_writable"],
)
def test_an_empty_path_is_refused_up_front(tmp_path, monkeypatch, write):
    monkeypatch.chdir(tmp_path)
    before = set(os.listdir(tmp_path.parent))
    with pytest.raises(OSError, match=r"^cannot write to an empty path; give a file"):
        write("")
    assert set(os.listdir(tmp_path.parent)) == before
    assert os.listdir(tmp_path) == []


def test_atomic_file_refuses_an_empty_path_and_a_directory(tmp_path):
    with pytest.raises(OSError, match="empty path"), _files.atomic_file(""):
        pytest.fail("the body must not run")
    with (
        pytest.raises(
            IsADirectoryError, match=rf"^{re.escape(f'cannot write {tmp_path}')}"
        ),
        _files.atomic_file(tmp_path),
    ):
        pytest.fail("the body must not run")
    assert os.listdir(tmp_path) == []


# -- write errors name the file (F14) ------------------------------------------


def enospc(*args):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize(
    ("name", "write"),
    [
        ("model.npz", lambda path: modelfile.save(small_network(), path)),
        ("report.html", lambda path: report.write(path, network=small_network())),
        (
            "run.json",
            lambda path: Recording(
                small_network().get_config(), np.zeros((0, 2)), []
            ).save(path),
        ),
    ],
    ids=["model", "report", "recording"],
)
def test_a_full_disk_names_the_file(tmp_path, monkeypatch, name, write):
    path = tmp_path / name
    path.write_text("old")
    monkeypatch.setattr(_files.os, "fsync", enospc)
    with pytest.raises(OSError) as caught:
        write(path)
    assert str(caught.value) == f"cannot write {path}: No space left on device"
    assert caught.value.errno == errno.ENOSPC
    assert path.read_text() == "old"
    assert temporary_files(tmp_path) == []


def test_an_error_while_writing_names_the_file(tmp_path):
    path = tmp_path / "out.csv"
    with (
        pytest.raises(OSError, match="No space left on device") as caught,
        _files.atomic_file(path, text=True) as file,
    ):
        file.write("a,b\n")
        enospc()
    assert str(caught.value) == f"cannot write {path}: No space left on device"
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_dev_full_is_written_into_and_its_error_names_it(monkeypatch):
    monkeypatch.setattr(_files.os, "replace", no_replace)
    with pytest.raises(OSError) as caught:
        modelfile.save(small_network(), "/dev/full")
    assert str(caught.value) == "cannot write /dev/full: No space left on device"


# -- what an output may replace ------------------------------------------------


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755])
def test_replacing_a_file_keeps_its_permissions(tmp_path, mode):
    path = tmp_path / "model.npz"
    modelfile.save(small_network(), path)
    path.chmod(mode)
    umask = os.umask(0o022)
    try:
        modelfile.save(small_network(), path)
        report.write(tmp_path / "report.html", network=small_network())
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == mode
    assert (tmp_path / "report.html").stat().st_mode & 0o777 == 0o644  # new: umask


@posix_only
def test_dev_null_is_written_into_never_replaced(monkeypatch):
    monkeypatch.setattr(_files.os, "replace", no_replace)
    monkeypatch.setattr(_files, "_create_temporary", no_replace)
    _files.check_writable("/dev/null")
    modelfile.save(small_network(), "/dev/null")
    report.write("/dev/null", network=small_network())
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")


@posix_only
def test_a_symlink_to_a_device_is_written_into(tmp_path, monkeypatch):
    link = tmp_path / "model.npz"
    link.symlink_to("/dev/null")
    monkeypatch.setattr(_files.os, "replace", no_replace)
    modelfile.save(small_network(), link)
    assert link.is_symlink()


@posix_only
def test_a_fifo_is_written_into(tmp_path, monkeypatch):
    fifo = tmp_path / "report.html"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    try:
        deadline = time.monotonic() + 10
        monkeypatch.setattr(_files.os, "replace", no_replace)
        while True:  # until the reader has opened its end
            try:
                report.write(fifo, network=small_network())
                break
            except OSError as error:
                assert "no reader" in str(error)
                assert time.monotonic() < deadline
                time.sleep(0.01)
    finally:
        reader.join(10)
    assert received[0].startswith(b"<!DOCTYPE html>")
    assert sorted(os.listdir(tmp_path)) == ["report.html"]


@posix_only
def test_a_fifo_without_a_reader_is_refused_not_waited_for(tmp_path, monkeypatch):
    fifo = tmp_path / "model.npz"
    os.mkfifo(fifo)
    monkeypatch.setattr(_files.os, "replace", no_replace)
    with pytest.raises(OSError) as caught:
        modelfile.save(small_network(), fifo)
    assert str(caught.value).startswith(f"cannot write {fifo}: it is a FIFO with no")
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]


@posix_only
def test_a_socket_is_refused(tmp_path):
    import socket

    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(OSError, match="it is a socket, not a regular file"):
            _files.check_writable(path)
        with pytest.raises(OSError, match="it is a socket"), _files.atomic_file(path):
            pytest.fail("the body must not run")


# -- reading regular files only ------------------------------------------------


@posix_only
def test_open_regular_refuses_a_fifo_without_waiting(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"^a FIFO$"):
        _files.open_regular(fifo, ValueError)
    with pytest.raises(ValueError, match=r"^a character device$"):
        _files.open_regular("/dev/zero", ValueError)
    with pytest.raises(IsADirectoryError):
        _files.open_regular(tmp_path, ValueError)
    (tmp_path / "file").write_bytes(b"abc")
    with _files.open_regular(tmp_path / "file", ValueError) as file:
        assert file.read() == b"abc"


# -- SIGTERM during a save (F18) -----------------------------------------------


@posix_only
@pytest.mark.parametrize("attempt", range(2))
def test_sigterm_during_a_save_leaves_no_temporary_file(tmp_path, attempt):
    path = tmp_path / "model.npz"
    old = small_network()
    old.metadata = {"generation": "old"}
    modelfile.save(old, path)
    script = save_forever_script(width=1500)  # about 50 MB: killed mid-save
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline() == "ready\n"
        deadline = time.monotonic() + 30
        while not temporary_files(tmp_path):  # kill it in the middle of a save
            assert time.monotonic() < deadline, "the child never started a save"
            time.sleep(0.001)
        time.sleep(0.02 * attempt)
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(30)
        child.stdout.close()
    assert child.returncode == -signal.SIGTERM  # it ended as SIGTERM ends it
    assert temporary_files(tmp_path) == []
    assert glassnet.load(path).metadata["generation"] in ("old", "new")


SIGTERM_HANDLED = """
import json, signal, sys
import numpy as np
from glassnet import _files

caught = []
signal.signal(signal.SIGTERM, lambda signum, frame: caught.append(signum))
with _files.atomic_file(sys.argv[1]) as file:
    signal.raise_signal(signal.SIGTERM)
    file.write(b"new")
print(json.dumps({"caught": caught, "handler": signal.getsignal(signal.SIGTERM)
                  is not signal.SIG_DFL}))
with _files.atomic_file(sys.argv[1]) as file:
    file.write(b"again")
signal.signal(signal.SIGTERM, signal.SIG_DFL)
with _files.atomic_file(sys.argv[1]) as file:
    file.write(b"third")
print(signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
"""


@posix_only
def test_a_program_s_own_sigterm_handler_is_left_alone(tmp_path):
    path = tmp_path / "out.bin"
    result = subprocess.run(
        [sys.executable, "-c", SIGTERM_HANDLED, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    first, second = result.stdout.splitlines()
    assert json.loads(first) == {"caught": [signal.SIGTERM], "handler": True}
    assert second == "True"  # the default handler is put back
    assert path.read_bytes() == b"third"


def test_atomic_writes_work_outside_the_main_thread(tmp_path):
    errors = []

    def write():
        try:
            with _files.atomic_file(tmp_path / "out.txt", text=True) as file:
                file.write("from a thread")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()
    assert errors == []
    assert (tmp_path / "out.txt").read_text() == "from a thread"


def test_recorder_save_is_atomic_and_keeps_permissions(tmp_path):
    net = small_network()
    recorder = Recorder(rows=np.zeros((2, 2)))
    net.fit(np.zeros((4, 2)), np.zeros(4), epochs=1, callbacks=[recorder])
    path = tmp_path / "run.json"
    recorder.recording.save(path)
    if POSIX:
        path.chmod(0o600)
        recorder.recording.save(path)
        assert path.stat().st_mode & 0o777 == 0o600
    assert Recording.load(path).widths == [2, 3, 1]


def test_an_interruption_inside_a_zip_member_is_not_masked(tmp_path, monkeypatch):
    # Ctrl-C or SIGTERM arriving while zipfile opens a member used to surface
    # as zipfile's "open writing handle" ValueError instead of itself.
    import zipfile

    path = tmp_path / "model.npz"
    old = small_network()
    old.metadata = {"generation": "old"}
    modelfile.save(old, path)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(zipfile, "_get_compressor", interrupted)
    with pytest.raises(KeyboardInterrupt):
        modelfile.save(small_network(), path)
    monkeypatch.undo()
    assert temporary_files(tmp_path) == []
    assert glassnet.load(path).metadata["generation"] == "old"
