
workspace "shop" {
    !identifiers hierarchical
    model {
        user = person "User"
        shop = softwareSystem "Shop" {
            web = container "Web" "" "Java"
            db = container "Database" "" "PostgreSQL" "Database"
            web -> db "reads" "JDBC"
        }
        user -> shop.web "uses"
        pay = softwareSystem "Payments" "" "External"
        shop.web -> pay "charges"

        live = deploymentEnvironment "Production" {
            deploymentNode "Amazon Web Services" {
                region = deploymentNode "US-East-1" {
                    dns = infrastructureNode "DNS" "" "Route 53"
                    lb = infrastructureNode "LB" "" "Elastic Load Balancer"
                    deploymentNode "us-east-1a" {
                        deploymentNode "Autoscaling group" "" "EC2" "" 2 {
                            deploymentNode "Server" "" "Ubuntu" {
                                deploymentNode "Tomcat" "" "Tomcat" "" 3 {
                                    webA = containerInstance shop.web
                                }
                            }
                        }
                        deploymentNode "db-host" "" "Ubuntu" {
                            containerInstance shop.db
                            healthCheck "db" "https://db/health"
                        }
                    }
                    deploymentNode "us-east-1b" {
                        deploymentNode "web-b" "" "EC2" "" 2 {
                            webB = containerInstance shop.web
                        }
                    }
                    dns -> lb "forwards to"
                    lb -> webA "forwards to"
                    lb -> webB "forwards to"
                }
            }
        }
        deploymentEnvironment "Staging" {
            deploymentNode "box" {
                containerInstance shop.web
            }
        }
    }
    views {
        systemLandscape { include * }
    }
}
