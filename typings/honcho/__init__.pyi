# Stubs for the part of honcho the launchers use (ops/launcher.py, ops/scaled.py): honcho
# ships no type information. Signatures copied from honcho 2.0.
