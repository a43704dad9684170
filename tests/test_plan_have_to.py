"""A message opening with "has to" / "have to" says what the product must be ("has to be the actual
dremel brand tho, and sixty or less. doable?"), no question about a shown product: its bound (the
price) is asked anew instead of being dropped with a question's."""

from __future__ import annotations

from assistant.plan.intents import opens_question


def test_have_to_says_what_it_must_be_not_a_question() -> None:
    assert not opens_question("has to be the actual dremel brand tho, and 60 or less. doable?")
    assert not opens_question("have to have usb c, any?")
    # "has it got …" still opens a question
    assert opens_question("has it got a timer?")
    assert opens_question("the teal one - has it got usb?")
