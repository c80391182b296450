import pytest

from generator.naming import (
    MAX_NAME_LENGTH,
    UniqueNames,
    class_name,
    identifier,
    is_device_name,
    param_form_name,
    snake_case,
)


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
        # DESIGN's examples of the acronym rule
        ("getHTTPResponse", "get_http_response"),
        ("APIKey", "api_key"),
        ("OAuth2", "oauth2"),
        ("CreateanAPIkey", "createan_api_key"),
        ("CreateanAPIkeyforaserviceaccount", "createan_api_keyforaserviceaccount"),
        # an acronym before a capitalised word, another acronym, digits or the end
        ("HTTPSProxy", "https_proxy"),
        ("XMLHTTPRequest", "xml_http_request"),
        ("JSONAPI", "json_api"),
        ("listAPIs", "list_apis"),
        ("userIDs", "user_ids"),
        ("getURL", "get_url"),
        ("IPAddress", "ip_address"),
        ("OAuthToken", "oauth_token"),
        ("APIV2", "api_v2"),
        ("SSEEvent", "sse_event"),
        # not an acronym: inside a word, or an upper-case word of its own
        ("VIPList", "vip_list"),
        ("ZIPCode", "zip_code"),
        ("APIS", "apis"),
        ("HTTPSERVER", "httpserver"),
        ("AdminApiKeyAuth", "admin_api_key_auth"),
        ("Identity", "identity"),
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


@pytest.mark.parametrize(
    ("given", "want"),
    [
        ("CON", True),
        ("con.py", True),
        ("Aux.md", True),
        ("nul.tar.gz", True),
        ("COM1", True),
        ("lpt9.txt", True),
        ("com\u00b9", True),
        ("console", False),
        ("com10", False),
        ("ConModel.md", False),
        ("con_.py", False),
    ],
)
def test_is_device_name(given: str, want: bool) -> None:
    assert is_device_name(given) is want


def test_device_names_never_name_a_class() -> None:
    assert [class_name(n) for n in ("CON", "aux", "Com1")] == [
        "CONModel",
        "AuxModel",
        "Com1Model",
    ]


def test_long_names_are_bounded_and_stay_apart() -> None:
    first, second = "a" * 200 + "first", "a" * 200 + "second"
    names = [identifier(first), identifier(second), class_name(first)]
    assert all(len(n) <= MAX_NAME_LENGTH for n in names)
    assert names[0] != names[1]
    assert identifier("short_name") == "short_name"


@pytest.mark.parametrize(
    ("model", "want"),
    [
        ("Pet", "PetParam"),
        ("ImageRefParam", "ImageRefParamDict"),
        ("Param", "ParamDict"),
        ("QueryParams", "QueryParamsParam"),
        ("Parameter", "ParameterParam"),
    ],
)
def test_the_request_form_of_a_model(model: str, want: str) -> None:
    assert param_form_name(model) == want
