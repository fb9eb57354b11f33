"""Why a command refuses to run, in zh-TW and English (instructor-facing, exit status 2).

A `Refusal` is raised for a usage error or a known machine problem; the command line
prints its text — never a traceback — and exits with status 2. The texts are the
``refusal_<key>`` entries of the message catalog (`autograder.course.messages`).
"""

from autograder.course import messages


class Refusal(Exception):
    """A command cannot run as asked; ``str()`` is the zh-TW and English text."""

    def __init__(self, key, **fields):
        self.key = key
        self.fields = fields
        self.text = messages.text(f"refusal_{key}", **fields)
        super().__init__(f"{self.text['zh-TW']}\n{self.text['en']}")
