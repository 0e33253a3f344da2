package dev.myelin.ros2.service;

import dev.myelin.ros2.Qos;
import dev.myelin.ros2.msg.MessageType;
import dev.myelin.ros2.msg.MessageTypes;
import dev.myelin.ros2.msg.UnknownMessageTypeException;

/**
 * A service type, {@code pkg/srv/Name}: its two halves as ROS defines them ({@code request},
 * {@code response}) and the samples that travel on DDS ({@code requestWire}, {@code responseWire}:
 * the request header, then the half as field {@code body}).
 */
public record ServiceType(String name, MessageType request, MessageType response,
                          MessageType requestWire, MessageType responseWire) {

    /** rmw's default for services: reliable, volatile, keep last 10. */
    public static final Qos DEFAULT_QOS = Qos.DEFAULT;

    /** rclcpp's parameter-service profile: reliable, volatile, keep last 1000. */
    public static final Qos PARAMETER_QOS = Qos.DEFAULT.withDepth(1000);

    /**
     * Looks a service type up in {@code types} (its {@code .srv} definition).
     *
     * @throws UnknownMessageTypeException when the name is malformed or no definition exists
     */
    public static ServiceType of(MessageTypes types, String name) {
        String n = canonicalName(name);
        MessageType request = types.get(n + "_Request");
        MessageType response = types.get(n + "_Response");
        return new ServiceType(n, request, response, types.withRequestHeader(request), types.withRequestHeader(response));
    }

    /** {@code pkg/srv/Name} from {@code pkg/srv/Name}, {@code pkg/Name} or a DDS half name. */
    public static String canonicalName(String name) {
        String n = name.strip();
        if (n.contains("::")) {
            String half = MessageTypes.canonicalName(n);
            return half.substring(0, half.lastIndexOf('_'));
        }
        String[] parts = n.split("/");
        if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            return parts[0] + "/srv/" + parts[1];
        }
        if (parts.length == 3 && parts[1].equals("srv") && !parts[0].isEmpty() && !parts[2].isEmpty()) {
            return n;
        }
        throw new UnknownMessageTypeException("'" + name + "' is not a service type name (pkg/srv/Name or pkg/Name)");
    }

    @Override
    public String toString() {
        return name;
    }
}
