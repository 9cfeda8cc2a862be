"""make run's broker without Redis: kombu's filesystem transport, with atomic writes
(config/broker_filesystem.py), so a worker never reads a message half written."""

from kombu import Connection

from config.broker_filesystem import Transport


def _connection(folder):
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder)}
    return Connection("filesystem://localhost//", transport_options=options)


def test_filesystem_urls_use_the_atomic_writer(tmp_path):
    with _connection(tmp_path) as conn:
        assert isinstance(conn.transport, Transport)


def test_a_message_is_renamed_into_place_whole_and_read_back(tmp_path):
    with _connection(tmp_path) as conn:
        queue = conn.SimpleQueue("atomic-test")
        queue.put({"n": 1})
        names = [p.name for p in tmp_path.iterdir()]
        assert len([n for n in names if n.endswith(".atomic-test.msg")]) == 1
        assert not [n for n in names if n.endswith(".part")]
        message = queue.get(timeout=1)
        assert message.payload == {"n": 1}
        message.ack()
        queue.close()


def test_a_message_still_being_written_is_not_read(tmp_path):
    with _connection(tmp_path) as conn:
        queue = conn.SimpleQueue("atomic-test")
        (tmp_path / ".1_x.atomic-test.msg.part").write_bytes(b"")  # what a writer leaves mid-way
        queue.put({"n": 2})
        message = queue.get(timeout=1)
        assert message.payload == {"n": 2}
        message.ack()
        queue.close()
