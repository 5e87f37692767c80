"""Offline speech: espeak-ng, loaded from the ``espeakng-loader`` wheel once per process.

espeak-ng (GPL-3.0) is a shared library we load at run time through ``ctypes``; nothing is
installed with apt. The engine is global C state, so :func:`engine` loads it once per
worker process and a lock serialises synthesis. :func:`synthesize` returns 16-bit mono PCM
samples at :attr:`Engine.rate`, whose count is the segment's real duration.
"""

from __future__ import annotations

import ctypes
import functools
import threading

import numpy as np

AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
ESPEAK_RATE, ESPEAK_PITCH = 1, 3

_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class SpeechUnavailable(RuntimeError):
    """The speech engine cannot load here (the message says why)."""


class Engine:
    def __init__(self):
        try:
            import espeakng_loader

            self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
            data = espeakng_loader.get_data_path()
        except (ImportError, OSError, RuntimeError) as error:
            raise SpeechUnavailable(
                f"espeak-ng could not load (pip install espeakng-loader): {error}"
            ) from error
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        self.rate = self.lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode(), 0)
        if self.rate <= 0:
            raise SpeechUnavailable(f"espeak-ng failed to initialise (code {self.rate}).")
        self._chunks: list[np.ndarray] = []
        self._callback = _Callback(self._collect)  # kept alive as long as the engine
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lock = threading.Lock()

    def _collect(self, wav, count, _events) -> int:
        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    def synthesize(self, text: str, *, voice: str, words_per_minute: int, pitch: int):
        """``text`` spoken by ``voice``, as int16 samples at :attr:`rate`."""
        with self.lock:
            self._chunks = []
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise SpeechUnavailable(f"espeak-ng has no voice {voice!r}.")
            self.lib.espeak_SetParameter(ESPEAK_RATE, words_per_minute, 0)
            self.lib.espeak_SetParameter(ESPEAK_PITCH, pitch, 0)
            data = text.encode()
            code = self.lib.espeak_Synth(
                data, len(data) + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None
            )
            self.lib.espeak_Synchronize()
            if code != 0:
                raise SpeechUnavailable(f"espeak-ng could not speak (code {code}).")
            chunks, self._chunks = self._chunks, []
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)


@functools.cache
def engine() -> Engine:
    """The process's engine, loaded on first use."""
    return Engine()
