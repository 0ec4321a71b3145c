workspace {
    model {
        s = softwareSystem "S" {
            a = container "A"
            b = container "B"
            a -> b
        }
        deploymentEnvironment "Live" {
            deploymentNode "box-1" {
                containerInstance a
                containerInstance b
            }
            deploymentNode "box-2" {
                containerInstance a
                containerInstance b
            }
        }
    }
}