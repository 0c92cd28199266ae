"""Test and benchmark harness: start the real servers on free ports, talk to them, stop them."""
