# The light switch of the seed scenario: switches the office light on.
import paho.mqtt.client as mqtt

BROKER = "localhost"
PORT = 1883
TOPIC = "smarthome/lights/office"

client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
client.connect(BROKER, PORT, 60)
client.loop_start()
info = client.publish(TOPIC, "ON", qos=1)
info.wait_for_publish(timeout=10)
print(f"Published ON to {TOPIC}", flush=True)
client.loop_stop()
client.disconnect()
