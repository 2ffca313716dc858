package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryStringTest {
    @Test
    void decodesEscapesPlusSignsAndRawCharactersKeepingTheFirstOfRepeatedNames() {
        QueryString query = QueryString.parse("query=caf%C3%A9+au+lait&limit=5&limit=6&empty=&bare&&raw=€😀&p=%2B");

        assertThat(query.get("query")).hasValue("café au lait");
        assertThat(query.get("limit")).hasValue("5");
        assertThat(query.get("empty")).hasValue("");
        assertThat(query.get("bare")).hasValue("");
        assertThat(query.get("raw")).hasValue("€😀");
        assertThat(query.get("p")).hasValue("+");
        assertThat(query.get("absent")).isEmpty();
        assertThat(QueryString.parse(null).get("query")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "limit=10%",
                "limit=1%2",
                "after=%zz",
                "q=%E9",
                "q=%C3",
                "q=%ED%A0%80",
                "na%me=1",
                "after=%\uFF13\uFF15"
            })
    void refusesMalformedEscapesAndBytesThatAreNotUtf8(String raw) {
        assertThatThrownBy(() -> QueryString.parse(raw))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(QueryString.MALFORMED);
    }
}
