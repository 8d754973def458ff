"""The engine's media work, all through ffmpeg: probing uploads (``_probe``), finding scene cuts
(``_scenes``), turning a draft into a filter graph (``_graph``), bringing the mix to its loudness
(``_loudness``) and rendering the MP4 (``_render``).

Nothing is imported here: the render side loads numpy and scipy, which the engine warms in the
background after it starts rather than on the way to its first answer.
"""

__all__: list[str] = []
