workspace "shop" {
    !include people.dsl
    model {
        !include systems.dsl
        web = softwareSystem "Web"
    }
}
