"""Offline tools run from the repository (make images, make eval-scoring, make eval-nlu).

Never imported by a runtime package (actions/, api/, bot/, scenarios/, vigie/, nlu/).
"""
