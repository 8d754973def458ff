"""The engine's agent: a message read into tool calls (by its tables, or by a language model when
one is configured), and those calls run on a session's draft, streamed back as events."""

from ._interpret import AgentContext, Interpretation, interpret
from ._llm import understand
from ._run import AgentRunner, agent_context

__all__ = ["AgentContext", "Interpretation", "interpret", "understand", "AgentRunner", "agent_context"]
