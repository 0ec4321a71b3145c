// Line comment
/* block
   comment */
workspace "Mix" "Syntax mix" {
    name "Syntax mix"
    !identifiers flat
    !impliedrelationships false
    !const REGION "eu-west-1"
    model {
        properties {
            "structurizr.groupSeparator" "/"
        }
        u = person "User"
        group "Core/Platform" {
            sys = softwareSystem "Orders" "Takes orders" "Internal" {
                api = container "API" {
                    technology "Go"
                    tags "Service" "Public"
                    url https://example.com/api
                    perspectives {
                        "Security" "TLS everywhere"
                    }
                    handler = component "Handler" "" "Go"
                }
                q = container "Queue" "" "RabbitMQ" "Queue"
                cache = container "Cache" "" "Redis"
                this -> q "publishes" "AMQP"
            }
        }
        u -> api "calls" "HTTPS" {
            tags "Sync"
        }
        api -> cache "reads" "RESP"
        handler -> q "publishes"
        !element api {
            properties {
                "owner" "team-orders"
            }
        }
        prod = deploymentEnvironment "Production" {
            g1 = deploymentGroup "blue"
            deploymentNode "AWS" "" "Amazon Web Services" {
                deploymentNode "${REGION}" {
                    tags "Region"
                    deploymentNode "${REGION}a" "" "Availability Zone" {
                        deploymentNode "asg-a" "" "EC2" "" 3 {
                            containerInstance api g1 {
                                healthCheck "ready" "https://api/ready" 60 1000
                            }
                        }
                        infrastructureNode "NLB" "" "Network Load Balancer"
                        deploymentNode "mq-a" "" "Amazon MQ" {
                            containerInstance q
                        }
                    }
                    deploymentNode "${REGION}b" {
                        deploymentNode "asg-b" "" "EC2" "" "2..4" {
                            containerInstance api g1
                        }
                        deploymentNode "elasticache" "" "ElastiCache" {
                            containerInstance cache
                        }
                    }
                }
            }
        }
    }
    views {
        deployment * prod "Live" {
            include *
            autoLayout lr
        }
        dynamic sys "Flow" {
            u -> api "calls"
        }
        theme default
    }
    configuration {
        scope softwaresystem
    }
}
