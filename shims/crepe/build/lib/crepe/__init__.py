"""Offline stand-in for `crepe`.

ddsp imports crepe at module level, but crepe cannot be built without the network (it
downloads its weights). Swara never uses CREPE: pitch comes from the score (rendered data)
or from librosa's pyin (recordings). Anything that does call CREPE fails loudly here.
"""


class CrepeUnavailableError(RuntimeError):
    pass


def _unavailable(*_args, **_kwargs):
    raise CrepeUnavailableError(
        "CREPE is not installed on this machine (its weights need the network). "
        "Swara estimates f0 with librosa.pyin instead; do not use ddsp's CREPE features."
    )


predict = _unavailable
activation = _unavailable


class core:  # noqa: N801 - mirrors crepe.core
    build_and_load_model = staticmethod(_unavailable)
    predict = staticmethod(_unavailable)
    activation = staticmethod(_unavailable)
