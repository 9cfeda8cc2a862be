import factory
from allauth.account.models import EmailAddress

from accounts.models import AccountType, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified primary email who can sign in with PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    account_type = AccountType.NORMAL
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class PlusUserFactory(UserFactory):
    account_type = AccountType.PLUS


class DeveloperFactory(UserFactory):
    account_type = AccountType.DEVELOPER


def make_reviewer(**kwargs) -> User:
    from django.contrib.auth.models import Group

    from accounts.reviewers import REVIEWERS_GROUP

    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    return user
