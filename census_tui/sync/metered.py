"""Whether the device's network is metered (mobile data billed by the megabyte, a tethered
phone): NetworkManager's global ``Metered`` property, the metered state of the connection with
the best default route, read over D-Bus with systemd's ``busctl`` (no D-Bus library needed).

Its values (NMMetered): 0 unknown, 1 yes, 2 no, 3 guessed yes, 4 guessed no; as NetworkManager
advises, "yes" and "guessed yes" are metered and everything else is not. Where there is no
NetworkManager, no system bus or no ``busctl`` (a handheld with another network stack, a test
machine), the answer is "not metered": the same as GLib's network monitor when it cannot tell.

The background sync asks it (from its worker thread, never on a keystroke) before an idle run,
the one that only fetches returns and new assignments: on a metered network only runs with
completed work to upload start by themselves (docs/protocol.md "Background sync").
"""

from __future__ import annotations

import shutil
import subprocess

NM = (
    "org.freedesktop.NetworkManager",
    "/org/freedesktop/NetworkManager",
    "org.freedesktop.NetworkManager",
    "Metered",
)
METERED_VALUES = frozenset({1, 3})
"""NMMetered yes and guessed yes."""
TIMEOUT_S = 2.0


def parse_metered(output: str) -> bool:
    """``busctl get-property`` prints ``u 3``: whether that value is metered (anything else,
    or anything unreadable, is not)."""
    parts = output.split()
    if len(parts) != 2 or parts[0] != "u" or not parts[1].isascii() or not parts[1].isdigit():
        return False
    return int(parts[1]) in METERED_VALUES


def is_metered() -> bool:
    """Whether NetworkManager says the network is metered (False when it cannot be asked)."""
    busctl = shutil.which("busctl")
    if busctl is None:
        return False
    try:
        done = subprocess.run(
            [busctl, "--system", "get-property", *NM],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and parse_metered(done.stdout)
