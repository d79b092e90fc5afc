from django.dispatch import Signal

# Sent after a learner closes their account (personal details already removed).
# Arguments: user (the anonymised User, still in the database so records stay linked).
account_closed = Signal()
