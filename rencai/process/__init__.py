"""The process engine: every request kind (case, change request, rights request, objection,
ticket, …) is a `Process` declared as data (rencai.process.declare) and moved only by
`rencai.process.engine.transition` / `start`."""
