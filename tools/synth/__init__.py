"""Offline synth: run stack programs under Pulumi's mock runtime and record what they declare."""
