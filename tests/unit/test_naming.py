import pytest

from generator.naming import UniqueNames, class_name, identifier, snake_case


@pytest.mark.parametrize(
    ("given", "want"),
    [
        ("createChatCompletion", "create_chat_completion"),
        ("admin-api-keys-list", "admin_api_keys_list"),
        ("HTTPServerError", "http_server_error"),
        ("listFiles2", "list_files2"),
        ("Error-2", "error_2"),
        ("  spaced  name ", "spaced_name"),
        ("crème brûlée", "creme_brulee"),
    ],
)
def test_snake_case(given: str, want: str) -> None:
    assert snake_case(given) == want


@pytest.mark.parametrize(
    ("given", "reserved", "want"),
    [
        ("class", frozenset(), "class_"),
        ("match", frozenset(), "match_"),
        ("200", frozenset(), "value_200"),
        ("", frozenset(), "value"),
        ("model_config", frozenset({"model_config"}), "model_config_"),
        ("$ref", frozenset(), "ref"),
    ],
)
def test_identifier(given: str, reserved: frozenset[str], want: str) -> None:
    assert identifier(given, reserved=reserved) == want


@pytest.mark.parametrize(
    ("given", "want"),
    [
        ("CreateChatCompletionRequest", "CreateChatCompletionRequest"),
        ("Error-2", "Error2"),
        ("chat.completion", "ChatCompletion"),
        ("2fa_settings", "Model2faSettings"),
        ("Client", "ClientModel"),
        ("None", "NoneModel"),
        ("Warning", "WarningModel"),
        ("Body", "BodyModel"),
        ("UnknownVariant", "UnknownVariantModel"),
        ("", "Model"),
    ],
)
def test_class_name(given: str, want: str) -> None:
    assert class_name(given) == want


def test_unique_names_ignore_case_and_number_clashes() -> None:
    names = UniqueNames()
    assert [names.claim(n) for n in ("Error", "error", "Error", "Other")] == [
        "Error",
        "error2",
        "Error3",
        "Other",
    ]
