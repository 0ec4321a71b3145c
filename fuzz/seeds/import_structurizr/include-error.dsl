workspace {
    model {
        !include people.dsl
    }
}
