workspace {
    model {
        s = softwareSystem "S" {
            spa = container "SPA" "" "Angular" "Web Browser"
            api = container "API"
            spa -> api
        }
    }
}