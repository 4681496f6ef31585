"""Fork safety: clients made before a ``fork()`` (sync and async) and clients made in the child
work there, and the parent keeps working — with a raw ``os.fork()`` and with a ``multiprocessing``
pool using the fork start method (Celery's and gunicorn's prefork workers).

Every child is waited for with a deadline and killed past it: a hang fails the test, it never
hangs the suite. A child reports a failure through a pipe (its traceback) and its exit status.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest

import partner_center as pc

from conftest import TOKEN, Emulator, new_customer

#: How long a child may take (calls against the local emulator take milliseconds).
CHILD_DEADLINE = 60.0

pytestmark = [
    # Python 3.12+ warns that forking a process with threads (the runtime's) may deadlock:
    # exactly what these tests check does not happen.
    pytest.mark.filterwarnings("ignore:.*use of fork\\(\\) may lead to deadlocks.*:DeprecationWarning"),
    pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this platform"),
]


def run_in_child(body: Callable[[], None], deadline: float = CHILD_DEADLINE) -> None:
    """Runs ``body`` in a forked child and fails if it raises, dies, or is still running after
    ``deadline`` seconds (then it is killed)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.close(read)
            body()
            code = 0
        except BaseException:  # noqa: BLE001 (reported to the parent through the pipe)
            os.write(write, traceback.format_exc()[-8000:].encode())
        finally:
            os._exit(code)
    os.close(write)
    try:
        status = _wait(pid, deadline)
        with os.fdopen(read, "rb") as pipe:
            report = pipe.read().decode(errors="replace")
            read = -1
    finally:
        if read >= 0:
            os.close(read)
    if status is None:
        pytest.fail(f"the child was still running after {deadline:.0f} s (a hang): killed")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"the child failed (status {status}):\n{report}"


def _wait(pid: int, deadline: float) -> int | None:
    """The child's wait status, or None when it had to be killed at the deadline."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def customer_count(client: pc.Client) -> int:
    return len(client.customers.list_page(size=0).items)


def sync_calls(client: pc.Client) -> str:
    """A create and a read; returns the new customer's id."""
    created = client.customers.create(new_customer())
    assert created.id is not None
    assert client.customers.get(created.id).id == created.id
    return str(created.id)


async def async_calls(client: pc.AsyncClient, n: int = 8) -> list[str]:
    """``n`` creates at once, then a read of each."""
    created = await asyncio.gather(*(client.customers.create(new_customer()) for _ in range(n)))
    ids = [str(c.id) for c in created]
    got = await asyncio.gather(*(client.customers.get(i) for i in ids))
    assert [str(c.id) for c in got] == ids
    return ids


def run(coro: Any, deadline: float = 30.0) -> Any:
    """``asyncio.run`` with a bound: a call that never completes fails instead of hanging."""

    async def bounded() -> Any:
        return await asyncio.wait_for(coro, deadline)

    return asyncio.run(bounded())


# -- raw os.fork() -------------------------------------------------------------------------------


def test_a_sync_client_made_before_fork_works_in_the_child(reset: Emulator) -> None:
    client = pc.Client(token=TOKEN, base_url=reset.url)
    sync_calls(client)  # this thread's runtime and a pooled keep-alive connection, in the parent

    def child() -> None:
        before = reset.health()["connections"]
        sync_calls(client)
        # The child opened a connection of its own: the parent's pooled socket is the parent's.
        assert reset.health()["connections"] > before
        # A grandchild too.
        run_in_child(lambda: sync_calls(client), deadline=CHILD_DEADLINE / 2)

    run_in_child(child)
    sync_calls(client)  # the parent keeps working, on its own connection
    assert customer_count(client) == 4


def test_an_async_client_made_before_fork_works_in_the_child(reset: Emulator) -> None:
    client = pc.AsyncClient(token=TOKEN, base_url=reset.url)
    run(async_calls(client))  # the shared runtime's workers and connections, in the parent

    def child() -> None:
        run(async_calls(client))
        run_in_child(lambda: run(async_calls(client)), deadline=CHILD_DEADLINE / 2)

    run_in_child(child)
    run(async_calls(client))
    assert customer_count(pc.Client(token=TOKEN, base_url=reset.url)) == 32


def test_clients_made_in_the_child_work(reset: Emulator) -> None:
    # The parent has used both runtimes (the shared one and this thread's) before the fork.
    parent_sync = pc.Client(token=TOKEN, base_url=reset.url)
    parent_async = pc.AsyncClient(token=TOKEN, base_url=reset.url)
    sync_calls(parent_sync)
    run(async_calls(parent_async, 2))

    def child() -> None:
        sync_calls(pc.Client(token=TOKEN, base_url=reset.url))
        run(async_calls(pc.AsyncClient(token=TOKEN, base_url=reset.url), 2))

    run_in_child(child)
    sync_calls(parent_sync)
    run(async_calls(parent_async, 2))
    assert customer_count(parent_sync) == 1 + 2 + 1 + 2 + 1 + 2


async def test_fork_while_the_parent_has_async_calls_in_flight(reset: Emulator) -> None:
    # Forked from the running loop, while calls of the same client are in flight on the shared
    # runtime: the child has neither the loop's thread's calls nor the runtime's workers; the
    # parent's calls complete.
    client = pc.AsyncClient(token=TOKEN, base_url=reset.url)
    await async_calls(client, 2)
    reset.faults(latencyMs=300)
    in_flight = asyncio.gather(*(client.customers.create(new_customer()) for _ in range(8)))
    await asyncio.sleep(0.1)
    # The child runs a loop of its own (asyncio.run: the parent's loop is not running there).
    run_in_child(lambda: run(async_calls(client, 4)))
    created = await asyncio.wait_for(in_flight, 30)
    assert len(created) == 8
    reset.faults()
    await asyncio.wait_for(async_calls(client, 2), 30)
    assert len((await client.customers.list_page(size=0)).items) == 2 + 8 + 4 + 2


def test_fork_while_another_thread_makes_sync_calls(reset: Emulator) -> None:
    # A thread of the parent is inside a sync call (its own runtime, and counted as a call in
    # flight) at the moment of the fork: the child has no such thread.
    client = pc.Client(token=TOKEN, base_url=reset.url)
    sync_calls(client)
    reset.faults(latencyMs=500)
    done: list[str] = []
    worker = threading.Thread(target=lambda: done.append(sync_calls(client)))
    worker.start()
    def child() -> None:
        before = reset.health()["connections"]
        sync_calls(client)
        assert reset.health()["connections"] > before  # not a socket of the parent's

    try:
        time.sleep(0.1)
        run_in_child(child)
    finally:
        worker.join(30)
    assert not worker.is_alive() and len(done) == 1
    reset.faults()
    sync_calls(client)


class _Access(NamedTuple):
    """azure.core.credentials.AccessToken's fields."""

    token: str
    expires_on: int


def test_a_token_refresh_in_flight_at_the_fork_does_not_block_the_child(reset: Emulator) -> None:
    # A thread of the parent is inside the credential (the token cache's one refresh in flight)
    # at the moment of the fork. The child inherits that refresh's lock, held by a task that does
    # not exist there; it must take a refresh of its own instead of waiting for ever.
    parent = os.getpid()
    entered, release = threading.Event(), threading.Event()

    class Slow:
        def get_token(self, *scopes: str, **kwargs: Any) -> _Access:
            if os.getpid() == parent:
                entered.set()
                release.wait(30)
            return _Access(TOKEN, int(time.time()) + 3600)

    client = pc.Client(credential=Slow(), base_url=reset.url, timeout=5)
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(customer_count(client)))
    worker.start()
    try:
        assert entered.wait(10), "the parent's refresh started"
        run_in_child(lambda: customer_count(client) and None)
    finally:
        release.set()
        worker.join(30)
    assert done, "the parent's call ended with its refresh"
    customer_count(client)


# -- multiprocessing, fork start method ----------------------------------------------------------

#: Made in the parent before the pool forks its workers (module globals, as a Celery app's).
_pool_sync: pc.Client | None = None
_pool_async: pc.AsyncClient | None = None
_pool_url = ""


def _work_sync_inherited(i: int) -> tuple[int, str]:
    assert _pool_sync is not None
    return os.getpid(), sync_calls(_pool_sync)


def _work_async_inherited(i: int) -> tuple[int, list[str]]:
    assert _pool_async is not None
    return os.getpid(), run(async_calls(_pool_async, 2))


def _work_new_clients(i: int) -> tuple[int, str, list[str]]:
    sync = pc.Client(token=TOKEN, base_url=_pool_url)
    asynchronous = pc.AsyncClient(token=TOKEN, base_url=_pool_url)
    return os.getpid(), sync_calls(sync), run(async_calls(asynchronous, 2))


def pool_map(work: Callable[[int], Any], n: int, processes: int = 4) -> list[Any]:
    """``work`` over ``range(n)`` in a fork-started pool, with a deadline (then the workers are
    killed and the test fails)."""
    context = multiprocessing.get_context("fork")
    pool = context.Pool(processes)
    try:
        pending = pool.map_async(work, range(n), chunksize=1)
        try:
            results: list[Any] = pending.get(timeout=CHILD_DEADLINE)
        except multiprocessing.TimeoutError:
            pytest.fail(f"the pool's workers were still running after {CHILD_DEADLINE:.0f} s (a hang)")
        pool.close()
        return results
    finally:
        pool.terminate()  # kills any worker left
        pool.join()


@pytest.fixture
def pool_clients(reset: Emulator) -> Any:
    """The module's pool clients, used in the parent before the pool forks."""
    global _pool_sync, _pool_async, _pool_url
    _pool_url = reset.url
    _pool_sync = pc.Client(token=TOKEN, base_url=reset.url)
    _pool_async = pc.AsyncClient(token=TOKEN, base_url=reset.url)
    sync_calls(_pool_sync)
    run(async_calls(_pool_async, 2))
    yield _pool_sync, _pool_async
    _pool_sync = _pool_async = None


def test_a_fork_pool_uses_clients_made_before_it(pool_clients: Any) -> None:
    sync, asynchronous = pool_clients
    answers = pool_map(_work_sync_inherited, 12)
    assert len({pid for pid, _ in answers}) > 1, "one worker did every call: not a test of several"
    answers_async = pool_map(_work_async_inherited, 12)
    assert len({pid for pid, _ in answers_async}) > 1
    # The parent keeps working.
    sync_calls(sync)
    run(async_calls(asynchronous, 2))
    assert customer_count(sync) == 3 + 12 + 24 + 3


def test_a_fork_pool_makes_clients_of_its_own(pool_clients: Any) -> None:
    sync, asynchronous = pool_clients
    answers = pool_map(_work_new_clients, 8)
    assert len({pid for pid, _, _ in answers}) > 1
    sync_calls(sync)
    run(async_calls(asynchronous, 2))
    assert customer_count(sync) == 3 + 8 * 3 + 3
