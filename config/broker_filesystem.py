"""kombu's filesystem transport (the broker of `make run` without Redis), with messages written
atomically.

kombu creates the message file and then writes it, so a worker that lists the folder in
between moves and reads an empty file; json.loads fails and the worker stops with
"Unrecoverable error" (seen in bench/latency.py --make-run-default at a 0.1 s polling
interval: the more often the worker looks, the likelier). Here the message is written under
a name the reader ignores (it does not end in ".<queue>.msg" after the first dot) and renamed
into place, which is atomic within one folder. Importing this module (config/celery_app.py
does) makes "filesystem://" mean this transport in the process.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
