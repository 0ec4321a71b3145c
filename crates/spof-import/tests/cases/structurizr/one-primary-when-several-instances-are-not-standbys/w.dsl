workspace {
    model {
        s = softwareSystem "S" {
            db = container "DB" "" "PostgreSQL" "Database"
        }
        deploymentEnvironment "Live" {
            deploymentNode "db-a" {
                containerInstance db
            }
            deploymentNode "db-b" {
                containerInstance db
            }
            deploymentNode "db-c" "" "" "Failover" {
                containerInstance db
            }
        }
    }
}