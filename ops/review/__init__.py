"""`make review`: what a change does to every environment's committed artifacts.

sources (git and the working tree) -> terraform (+ force_new, iam) and kubernetes diffs ->
checkov on the changed stacks -> review (the verdict, acknowledgements) -> render (Markdown).
"""
